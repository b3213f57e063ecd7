// A user's mistake in a file (a contract, an input table, a model) becomes one message that
// names the file, the line or column, and what to do. The CLI prints message only, exit 2.
export class UserError extends Error {
  constructor(
    message: string,
    public readonly file?: string,
    public readonly line?: number,
    public readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** The same mistake told to a desktop user: what to do in the app, never a command or flag. */
  appMessage?: string;

  /** Sets the desktop words, for an error whose message gives command-line advice. */
  inTheApp(message: string): this {
    this.appMessage = message;
    return this;
  }
}
