// Keeps a drawing failure from blanking the page: the rest of the playground stays
// usable and the fallback says what broke.

import { Component, type ReactNode } from 'react';

interface Props {
  what: string;
  children: ReactNode;
  /** Changing this value clears the error (e.g. a new trace). */
  resetKey?: unknown;
}

export class ErrorBoundary extends Component<Props, { error: Error | null; key: unknown }> {
  override state: { error: Error | null; key: unknown } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: Error | null; key: unknown }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error) {
    console.warn(`${this.props.what} failed to draw:`, error);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="draw-error">
        <p>
          <strong>The {this.props.what} could not be drawn</strong>: {this.state.error.message}
        </p>
        <p className="muted small">
          The trace, the logs and the controls still work; loading another scenario or moving the playhead tries again.
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
