// Security of the built app (issue 7): the Content Security Policy is in the built
// index.html and the app runs under it without a single violation; a whole session
// makes no request outside the page's own origin; and scenario text from a link —
// every text field a link can carry, valid or not — is only ever shown as text: script
// payloads in it never run, with the CSP on and (to prove the rendering itself is
// safe, not just the policy) with the CSP bypassed.
import { expect, test, type Page } from '@playwright/test';
import { encodeLink, type LinkView } from '../engine/scenario/link';
import { banner, foreignRequests, guard, linkBanner, openFresh, pasteLink, ready, type Guard } from './fixtures/reliability';

/** The policy the build must carry, directive by directive (vite.config.ts, contentSecurityPolicy). */
const POLICY: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'worker-src': "'self' blob:",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'media-src': "'self' blob:",
  'connect-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
};

function parsePolicy(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of p.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    out[name] = values.join(' ');
  }
  return out;
}

test('the built index.html carries the Content Security Policy before any script', async ({ page, request }) => {
  const html = await (await request.get('/')).text();
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/gi)];
  expect(metas, 'exactly one CSP meta tag').toHaveLength(1);
  expect(parsePolicy(metas[0][1])).toEqual(POLICY);
  // Before the first script and stylesheet (a policy only covers what comes after it)...
  const at = metas[0].index!;
  expect(at).toBeLessThan(html.indexOf('<script'));
  expect(at).toBeLessThan(html.indexOf('<link rel="stylesheet"'));
  // ...and no inline script or inline event handler anywhere in the page.
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  // The page the browser parsed has it too.
  await page.goto('/');
  const live = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(parsePolicy(live ?? '')).toEqual(POLICY);
});

test('a whole session (presets, every panel, play, themes, help) stays on its own origin, under the CSP, with no violation', async ({ page, baseURL }) => {
  const g = guard(page);
  // Everything the page and its workers ask for, through the router as well as the request event.
  const routed: string[] = [];
  const contextRequests: string[] = []; // includes the service worker's own fetches
  page.context().on('request', (r) => contextRequests.push(r.url()));
  await page.context().route('**/*', (route) => {
    routed.push(route.request().url());
    return route.continue();
  });
  await openFresh(page);
  await ready(page);
  // Play the boot for a moment, then jump around.
  await page.getByRole('slider', { name: 'Speed' }).fill('0.5');
  await page.getByRole('group', { name: 'Transport' }).getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('group', { name: 'Transport' }).getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.waitForTimeout(400);
  await page.getByRole('group', { name: 'Transport' }).getByRole('button', { name: 'Pause' }).click();
  // Several presets, each run in the worker; every panel with a few of them.
  const picker = page.getByRole('combobox', { name: 'Scenario' });
  for (const id of ['hotplug-cpu2', 'fifo-events', 'raw-hypercalls']) {
    await picker.selectOption(id);
    await ready(page);
    if (id === 'fifo-events') continue;
    await page.getByRole('button', { name: 'Go to the end' }).click();
    for (const tab of ['Narration & code', 'Hypercalls', 'Console', '/proc/interrupts', 'Raw hypercall', 'Scenario']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('tabpanel')).toBeVisible();
    }
  }
  // Themes and the help dialog.
  for (const theme of ['Dark', 'Projector', 'Light']) await page.getByRole('radio', { name: theme }).click();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');

  const origin = new URL(baseURL!).origin;
  expect(g.requests.length).toBeGreaterThan(2); // the page, its script, its worker at least
  expect(g.workers.length).toBeGreaterThanOrEqual(1);
  expect(foreignRequests(g.requests, origin)).toEqual([]);
  expect(foreignRequests(routed, origin)).toEqual([]);
  expect(foreignRequests(contextRequests, origin)).toEqual([]);
  for (const sw of page.context().serviceWorkers()) expect(new URL(sw.url()).origin).toBe(origin);
  expect(await g.violations()).toEqual([]);
  expect(g.problems).toEqual([]);
  expect(g.dialogs).toEqual([]);
});

// ---------------------------------------------------------------------------------
// Script injection through every text field of a link

/** Script payloads; each sets window.__pwned if it ever runs. */
const P = {
  img: '<img src=x onerror=window.__pwned=1>',
  script: '"><script>window.__pwned=2</script>',
  js: 'javascript:window.__pwned=3',
  svg: '<svg onload=window.__pwned=4><script>window.__pwned=5</script></svg>',
  frame: '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>',
  link: '<a href="javascript:window.__pwned=7">x</a>',
  style: "<div style=\"background:url('javascript:window.__pwned=8')\">",
  tmpl: "{{constructor.constructor('window.__pwned=9')()}}",
};
const ALL = Object.values(P);
/** Payloads short enough (≤ 30 characters) to be quoted whole in an error message. */
const SHORT = {
  img: '<img src=x onerror=__pwned=1>',
  svg: '<svg onload=__pwned=2>',
  script: '<script>__pwned=3</script>',
};

/** Asserts nothing ran, nothing was parsed as markup, and nothing left the origin. */
async function nothingRan(page: Page, g: Guard, origin: string): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  // No element a payload could have created, and no inline event handler attribute.
  const planted = await page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.querySelectorAll('img[src="x"], iframe, object, embed, script:not([src]), a[href^="javascript:" i], svg script, [style*="javascript:" i]')) found.push(el.outerHTML.slice(0, 80));
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.getAttributeNames()) if (/^on/i.test(a)) found.push(`${el.tagName} ${a}`);
    }
    return found;
  });
  expect(planted).toEqual([]);
  expect(g.dialogs).toEqual([]);
  expect(foreignRequests(g.requests, origin)).toEqual([]);
  expect(g.requests.filter((u) => /\/x$/.test(u)), 'the <img src=x> payload was never fetched').toEqual([]);
  expect(await g.violations()).toEqual([]);
}

/** A valid scenario with a payload in every free-text field (title ≤ 200, goal ≤ 300, notes, cmdline). */
function validCarrier(title: string, goal: string): unknown {
  return {
    version: 1,
    title,
    goal,
    notes: ALL,
    guest: { vcpus: 2, cmdline: `${P.img} ${P.js} loglevel=<script>window.__pwned=10</script>` },
  };
}

interface Carrier {
  field: string;
  input: unknown;
  view?: LinkView;
  /** The banner quotes the payload whole. */
  quoted: boolean;
}

/**
 * Invalid scenarios (and one valid one with a hostile view) that carry `p` in one text
 * field each (validation stops at the first error); the link's banner shows the error,
 * which quotes the offending value (its first 30 characters).
 */
function carriers(p: string): Carrier[] {
  const base = { version: 1, guest: { vcpus: 2 } };
  const hc = (op: string, args: Record<string, unknown>) => ({ ...base, steps: [{ do: 'hypercall', vcpu: 0, op, args }] });
  return [
    { field: 'steps[0].name (mask)', input: { ...base, steps: [{ do: 'mask', name: p }] }, quoted: true },
    { field: 'steps[0].op', input: hc(p, {}), quoted: true },
    { field: 'steps[0].name (unmask)', input: { ...base, steps: [{ do: 'unmask', name: p }] }, quoted: true },
    { field: 'steps[0].args.virq', input: hc('EVTCHNOP_bind_virq', { virq: p, vcpu: 0 }), quoted: true },
    { field: 'steps[0].args.reason', input: hc('SCHEDOP_shutdown', { reason: p }), quoted: true },
    { field: 'steps[0].args key', input: hc('VCPUOP_is_up', { [p]: 1 }), quoted: true },
    { field: 'steps[0].vector', input: { ...base, steps: [{ do: 'ipi', from: 0, to: [1], vector: p }] }, quoted: true },
    { field: 'steps[0].do', input: { ...base, steps: [{ do: p }] }, quoted: true },
    { field: 'steps[0].at', input: { ...base, steps: [{ at: p, do: 'cpu_up', cpu: 1 }] }, quoted: true },
    { field: 'unknown field name', input: { ...base, [p]: 1 }, quoted: true },
    { field: 'kernel', input: { ...base, kernel: p }, quoted: true },
    { field: 'guest.dom0_max_vcpus', input: { version: 1, guest: { dom0: true, dom0_max_vcpus: p } }, quoted: true },
    { field: 'title (too long)', input: { ...base, title: `${p} ${'x'.repeat(200)}` }, quoted: false },
    { field: 'view fields', input: { version: 1, title: 'view payloads' }, view: { t: 1000, panel: p, theme: p, sel: p, [`k${p.length}`]: p }, quoted: false },
  ];
}

for (const bypassCSP of [false, true]) {
  test.describe(bypassCSP ? 'with the CSP bypassed, text is still only text' : 'under the CSP', () => {
    test.use({ bypassCSP });

    test('a valid link with payloads in title, goal, notes and cmdline: shown literally, nothing runs', async ({ page, baseURL }) => {
      const g = guard(page);
      const origin = new URL(baseURL!).origin;
      const title = `${P.img}${P.script}${P.svg}`;
      const goal = `${P.frame}${P.link}${P.style}${P.tmpl}`;
      expect(title.length).toBeLessThanOrEqual(200);
      expect(goal.length).toBeLessThanOrEqual(300);
      await openFresh(page, encodeLink(validCarrier(title, goal), { t: 5_000_000 }));
      await ready(page);
      await expect(page.getByRole('alert')).toHaveCount(0);
      // The header: the goal as the description, the title in the picker.
      const picker = page.getByRole('combobox', { name: 'Scenario' });
      await expect(picker).toHaveAccessibleDescription(goal);
      await expect(picker.locator('option').first()).toHaveText(`Custom: ${title}`);
      // Every panel, at the end of the run (the console shows the boot log).
      await page.getByRole('button', { name: 'Go to the end' }).click();
      for (const tab of ['Narration & code', 'Hypercalls', 'Console', '/proc/interrupts', 'Raw hypercall']) {
        await page.getByRole('tab', { name: tab }).click();
        await expect(page.getByRole('tabpanel')).toBeVisible();
      }
      // The scenario form shows the text in its fields, as typed.
      await page.getByRole('tab', { name: 'Scenario' }).click();
      const form = page.getByRole('form', { name: 'Scenario' });
      await expect(form.getByRole('textbox', { name: 'Title' })).toHaveValue(title);
      await expect(form.getByRole('textbox', { name: 'Other options' })).toHaveValue(`${P.img} ${P.js} loglevel=<script>window.__pwned=10</script>`);
      // Apply it back through the form: the same text goes round again.
      await form.getByRole('button', { name: 'Apply' }).click();
      await ready(page);
      await expect(picker.locator('option').first()).toHaveText(`Custom: ${title}`);
      // A payload typed into a step's JSON fields: the banner quotes it, the form keeps it.
      await page.getByRole('tab', { name: 'Scenario' }).click();
      await form.getByRole('button', { name: 'Add step' }).click();
      await form.getByRole('combobox', { name: 'Step 1 kind' }).selectOption('mask');
      const fields = form.getByRole('textbox', { name: 'Step 1 fields (JSON)' });
      await fields.fill(JSON.stringify({ name: SHORT.svg }));
      await form.getByRole('button', { name: 'Apply' }).click();
      await expect(banner(page, 'Invalid scenario')).toContainText(SHORT.svg);
      await expect(fields).toHaveValue(JSON.stringify({ name: SHORT.svg }));
      await nothingRan(page, g, origin);
      expect(g.problems).toEqual([]);
    });

    test('invalid links with a payload in each other text field: the banner shows it as text, nothing runs', async ({ page, baseURL }) => {
      const g = guard(page);
      const origin = new URL(baseURL!).origin;
      // With the CSP bypassed every field (the payloads in turn); under it a sample (the rendering is the same).
      const payloads = Object.values(SHORT);
      const cases = bypassCSP
        ? carriers('').map((_, i) => ({ p: payloads[i % payloads.length], c: carriers(payloads[i % payloads.length])[i] }))
        : carriers(SHORT.img).slice(0, 2).map((c) => ({ p: SHORT.img, c }));
      // The first by loading the page, the rest pasted into its address bar (the same opening code, no reload).
      for (const [k, { p, c }] of cases.entries()) {
        if (k === 0) await openFresh(page, encodeLink(c.input, c.view));
        else await pasteLink(page, encodeLink(c.input, c.view));
        if (c.view) {
          await expect(page.getByRole('combobox', { name: 'Scenario' }).locator('option:checked')).toHaveText('Custom: view payloads');
          await ready(page);
          await expect(page.getByRole('alert')).toHaveCount(0);
        } else {
          const b = linkBanner(page);
          await expect(b, c.field).toBeVisible();
          await expect(b, c.field).toContainText(c.quoted ? p : c.field.split(' ')[0]);
        }
        await nothingRan(page, g, origin);
      }
      expect(g.problems).toEqual([]);
    });
  });
}
