// Structured logs with secrets scrubbed: tokens and keys must never reach a log line.

const SECRET_PATTERNS: RegExp[] = [
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, // JWTs and JWEs
  /\bsb_(secret|publishable)_[A-Za-z0-9_-]+/g, // Supabase API keys
  /\b(Bearer|Basic)\s+[^\s",]+/gi, // authorization header values
  /\b(access_token|refresh_token|id_token|client_secret|code_verifier|code|apikey|password)=([^&\s"]+)/gi,
  /("(access_token|refresh_token|id_token|client_secret|code_verifier|apikey|password)"\s*:\s*")[^"]*/gi,
];

/** Replace anything that looks like a credential with a marker. */
export function redact(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, ...groups) => {
      if (match.startsWith('"')) return `${groups[0]}[redacted]`;
      const eq = match.indexOf("=");
      if (eq > 0 && !match.startsWith("eyJ")) return `${match.slice(0, eq + 1)}[redacted]`;
      return "[redacted]";
    });
  }
  return out;
}

type Level = "debug" | "info" | "warn" | "error";

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = redact(JSON.stringify({ level, msg: message, ...fields }));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
