/**
 * A file that cannot be read as any bill or ledger. `code` is stable (kebab-case) and is what
 * callers switch on; `params` fill the translated message (see shared/i18n/messages.ts).
 */
export class ImportError extends Error {
  readonly code: string;
  readonly params: Readonly<Record<string, string | number>>;
  constructor(code: string, params: Record<string, string | number> = {}, detail?: string) {
    super(detail ?? code);
    this.name = 'ImportError';
    this.code = code;
    this.params = params;
  }
}
