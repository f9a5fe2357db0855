// The timestamp spellings Microsoft uses in different places.

/** ISO 8601 UTC with second precision and `Z`: Graph DateTimeOffset values. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** `2020-08-18T12:51:51`: Graph's innerError.date (UTC, no zone designator). */
export function innerErrorDate(ms: number): string {
  return isoSeconds(ms).slice(0, -1);
}

/** `2016-01-09 02:02:12Z`: the identity platform's error `timestamp`. */
export function aadTimestamp(ms: number): string {
  return isoSeconds(ms).replace("T", " ");
}

/** RFC 7231 HTTP-date for the `Date` header. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
