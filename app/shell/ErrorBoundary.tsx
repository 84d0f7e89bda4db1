// Keeps a drawing failure from blanking the page: the rest of the playground stays
// usable and the fallback says what broke. Around the whole playground (`fatal`, the
// default for what="playground"), nothing else is left on screen: the fallback offers a
// reload, a reload without the link in the address (a link whose scenario breaks the
// page must not lock people out), and a bug report to copy.

import { Component, type ReactNode } from 'react';

interface Props {
  what: string;
  children: ReactNode;
  /** Changing this value clears the error (e.g. a new trace). */
  resetKey?: unknown;
  /** The boundary around the whole page (default: what === 'playground'). */
  fatal?: boolean;
}

interface State {
  error: Error | null;
  key: unknown;
  copied: boolean | null;
}

function report(what: string, error: Error): string {
  const stack = (error.stack ?? '').split('\n').slice(0, 8).join('\n');
  return [
    `Xen SMP Playground: the ${what} could not be drawn`,
    `Error: ${error.message}`,
    `Page: ${typeof location !== 'undefined' ? location.href : 'unknown'}`,
    `Browser: ${typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown'}`,
    stack,
  ].join('\n');
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey, copied: null };

  static getDerivedStateFromError(error: Error) {
    return { error, copied: null };
  }

  static getDerivedStateFromProps(props: Props, state: State) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey, copied: null } : null;
  }

  override componentDidCatch(error: Error) {
    console.warn(`${this.props.what} failed to draw:`, error);
  }

  private async copy(error: Error): Promise<void> {
    let ok = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(report(this.props.what, error));
        ok = true;
      }
    } catch {
      ok = false;
    }
    this.setState({ copied: ok });
  }

  override render() {
    const { error, copied } = this.state;
    if (!error) return this.props.children;
    const fatal = this.props.fatal ?? this.props.what === 'playground';
    const hasLink = typeof location !== 'undefined' && location.hash.length > 1;
    return (
      <div role="alert" className="draw-error">
        <p>
          <strong>The {this.props.what} could not be drawn</strong>: {error.message}
        </p>
        <p className="muted small">
          {fatal
            ? 'Reloading the page usually helps; if the scenario in the link causes this, open the playground without it.'
            : 'The trace, the logs and the controls still work; loading another scenario or moving the playhead tries again.'}
        </p>
        {fatal ? (
          <>
            <button type="button" onClick={() => location.reload()}>
              Reload
            </button>
            {hasLink ? (
              <button type="button" onClick={() => location.replace(`${location.pathname}${location.search}`)}>
                Open without the link
              </button>
            ) : null}
          </>
        ) : (
          <button type="button" onClick={() => this.setState({ error: null, copied: null })}>
            Try again
          </button>
        )}
        <button type="button" onClick={() => void this.copy(error)}>
          {copied ? 'Bug report copied' : 'Copy bug report'}
        </button>
        {copied === false ? <pre className="bug-report small">{report(this.props.what, error)}</pre> : null}
      </div>
    );
  }
}
