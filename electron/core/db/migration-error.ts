/** A schema problem that waiting will not fix: the message says what the admin must do. */
export class MigrationError extends Error {}
