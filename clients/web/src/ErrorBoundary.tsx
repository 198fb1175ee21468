import { Component, type ErrorInfo, type ReactNode } from 'react';

/** A page that crashed says so in words and offers a way back, instead of leaving a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <section className="card" role="alert">
        <h2>Something went wrong on this page</h2>
        <p>
          <button type="button" onClick={() => this.setState({ failed: false })}>Try again</button> or <a href="#/">go back to listening</a>.
        </p>
      </section>
    );
  }
}
