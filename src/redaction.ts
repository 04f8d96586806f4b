const MIN_SECRET_LENGTH = 6;
const MAX_RUNTIME_SECRETS = 64;

/**
 * Knows every secret the gateway holds (configured credentials, API keys, upstream tokens as they
 * are issued) and blanks them out of any text that leaves the process: log lines and error
 * messages. A second line of defence behind never putting them there.
 */
export class SecretRedactor {
  private readonly configured = new Set<string>();
  private readonly runtime: string[] = [];

  /** A secret from the configuration: kept for the process's life. */
  addConfigured(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.configured.add(secret);
  }

  /** A secret learnt at run time (an upstream token): only the most recent ones are kept. */
  addRuntime(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.runtime.includes(secret)) return;
    this.runtime.push(secret);
    if (this.runtime.length > MAX_RUNTIME_SECRETS) this.runtime.shift();
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.configured) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    for (const secret of this.runtime) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
}
