import type { TranslatorConfigFactory } from "node-html-markdown";

/** Form controls whose text is shown: a page's buttons, a select's options, a textarea's text, a label. */
export const FORM_CONTROLS = "button,option,select,textarea,label,output";

/**
 * A form control kept apart from what comes before it. The library writes them inline, so controls that touch in the
 * HTML (`<button>Go</button><option>opt1</option>`) ran together as one word, "Goopt1"; a space is added only where
 * the text so far does not already end in one. Only the last character is looked at, so this stays linear.
 */
export const formControl: TranslatorConfigFactory = ({ visitor }) => {
  const text = visitor.result.text;
  return { prefix: /\S/.test(text.charAt(text.length - 1)) ? " " : "" };
};
