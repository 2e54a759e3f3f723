// The boundary a multipart Content-Type names, read as its receiver reads it (RFC 9110 quoted-strings, RFC 2046
// boundaries), or why it cannot be sent. Pure. A body is cut into parts wherever its boundary appears, so the boundary
// this tool writes parts under, and checks the fields for, must be the very one the upstream will look for.
import { mediaParameters } from "./media-type.js";

/** RFC 2046 §5.1.1: 1 to 70 of these characters, the last not a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const ALLOWED = `1 to 70 letters, digits, spaces and '()+_,-./:=? (not ending in a space; RFC 2046)`;

/** The boundary `contentType` names (undefined for none), or why it cannot delimit parts; nothing has been sent. */
export function namedBoundary(contentType: string): { boundary: string | undefined } | { error: string } {
  const parameters = mediaParameters(contentType);
  const open = parameters.find((parameter) => parameter.unclosed);
  if (open !== undefined) {
    return {
      error: `the Content-Type's ${open.name}=${open.written} never closes its quote, and receivers differ in where it ends (WHATWG's parser at the end of the header, swallowing any parameter after it); nothing was sent. Close the quote${open.name === "boundary" ? "" : `, or leave ${open.name} out`}`,
    };
  }
  const named = parameters.filter((parameter) => parameter.name === "boundary");
  const [first] = named;
  if (first === undefined) return { boundary: undefined };
  const spelt = (parameter: typeof first) => `boundary=${parameter.written}${parameter.trailing ?? ""}`;
  if (named.length > 1) {
    return {
      error: `the Content-Type names ${named.length} boundaries (${named.map(spelt).join(", ")}), and receivers differ in which one they cut the body at; nothing was sent. Name one`,
    };
  }
  if (first.trailing !== undefined) {
    return {
      error: `the Content-Type's ${spelt(first)} has text after its value, which receivers read differently; nothing was sent. Write the boundary as one token (boundary=abc) or one quoted string (boundary="a b")`,
    };
  }
  const { value, written } = first;
  if (!BOUNDARY.test(value)) {
    const bad = /[^0-9A-Za-z'()+_,\-./:=? ]/.exec(value)?.[0];
    const why =
      value === ""
        ? "is empty"
        : bad !== undefined
          ? `has ${JSON.stringify(bad)}`
          : value.length > 70
            ? `is ${value.length} characters long`
            : "ends in a space";
    const read = written === value ? "" : ` (boundary=${written}, read as RFC 9110 reads a quoted string)`;
    return {
      error: `the boundary ${JSON.stringify(value)}${read} that the Content-Type names cannot delimit multipart parts: a boundary is ${ALLOWED}, and this one ${why}; nothing was sent. Name one of those characters only, or give the body as an object of fields without a boundary and one is chosen`,
    };
  }
  // No boundary character needs a backslash, and a receiver that does not undo one would look for another boundary.
  if (written.includes("\\")) {
    return {
      error: `the Content-Type writes its boundary with a backslash escape (boundary=${written}), which receivers read differently (RFC 9110 as ${JSON.stringify(value)}, others with the backslash kept); nothing was sent. Write it without one: boundary="${value}"`,
    };
  }
  return { boundary: value };
}
