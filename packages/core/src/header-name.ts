/** An HTTP field name: a token, as RFC 9110 spells it (letters, digits and !#$%&'*+.^_`|~-, no spaces). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether `name` can be sent as a header's name. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}
