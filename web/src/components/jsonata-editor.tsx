import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'preact/hooks';

/**
 * The workbench's JSONata editor: CodeMirror 6, chosen over Monaco by bundle size. CodeMirror is modular: the
 * view, state, language, commands and lint packages used here make the workbench's own chunk about 106 kB gzip
 * (loaded only when the workbench opens; the rest of the console does not carry it), where Monaco ships a
 * multi-megabyte editor plus web workers. There is no JSONata grammar for CodeMirror, so a small stream tokenizer
 * below highlights its strings, numbers, `$` variables and functions, keywords, paths and operators.
 *
 * Tab is left to the browser (no indent-with-tab), so keyboard users can move on from the editor.
 */

interface JsonataState {
  /** Inside a block comment, or a string (its quote) that goes on to the next line. */
  comment: boolean;
  quote?: string;
}

function readString(stream: { next(): string | void }, state: JsonataState): void {
  let escaped = false;
  for (let c = stream.next(); c !== undefined; c = stream.next()) {
    if (c === state.quote && !escaped) {
      state.quote = undefined;
      return;
    }
    escaped = !escaped && c === '\\';
  }
}

const jsonata = StreamLanguage.define<JsonataState>({
  name: 'jsonata',
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment) {
      if (stream.skipTo('*/')) {
        stream.pos += 2;
        state.comment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (state.quote !== undefined) {
      readString(stream, state);
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('/*')) {
      state.comment = true;
      return 'comment';
    }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      state.quote = stream.next() as string;
      readString(stream, state);
      return 'string';
    }
    if (ch === '`') {
      stream.next();
      if (stream.skipTo('`')) stream.next();
      else stream.skipToEnd();
      return 'propertyName';
    }
    if (stream.match(/^\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^\$[A-Za-z0-9_]*/)) return 'variableName';
    if (stream.match(/^(and|or|in|true|false|null|function)\b/)) return 'keyword';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'propertyName';
    if (stream.match(/^(:=|~>|!=|<=|>=|\.\.|\?:|\?\?|[-+*/%&=<>!?:.,;|^#@])/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { block: { open: '/*', close: '*/' } } },
});

/** Colours with at least 4.5:1 contrast on white (the accessibility check holds the editor to it). */
const highlight = HighlightStyle.define([
  { tag: tags.string, color: '#0b6b1f' },
  { tag: tags.number, color: '#8a3b00' },
  { tag: tags.variableName, color: '#1f4fa8', fontWeight: '600' },
  { tag: tags.keyword, color: '#7a1f8c', fontWeight: '600' },
  { tag: tags.propertyName, color: '#1d2330' },
  { tag: tags.operator, color: '#566070' },
  { tag: tags.comment, color: '#566070', fontStyle: 'italic' },
]);

export interface EditorError {
  message: string;
  line?: number;
  column?: number;
}

/** The diagnostic of an error at line/column: from there to the end of the word (or one character). */
function diagnostic(state: EditorState, error: EditorError): Diagnostic[] {
  if (error.line === undefined || error.line < 1 || error.line > state.doc.lines) return [];
  const line = state.doc.line(error.line);
  const from = Math.min(line.to, line.from + Math.max(0, (error.column ?? 1) - 1));
  const word = /^\w+/.exec(state.doc.sliceString(from, line.to))?.[0].length ?? 1;
  return [{ from, to: Math.min(line.to, from + word), severity: 'error', message: error.message }];
}

/**
 * The editor owns its text: `initial` is read once (remount with a `key` to load another version) and every change
 * is reported through onChange. Feeding the text back in as a controlled value would race the keyboard: two keys
 * typed before a render would set the editor back to the older text, and the two would chase each other.
 */
export function JsonataEditor(props: {
  initial: string;
  label: string;
  readOnly?: boolean;
  error?: EditorError;
  onChange(value: string): void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => {
    if (host.current === null) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: props.initial,
        extensions: [
          lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          jsonata,
          syntaxHighlighting(highlight),
          lintGutter(),
          EditorView.lineWrapping,
          EditorState.readOnly.of(props.readOnly === true),
          EditorView.editable.of(props.readOnly !== true),
          EditorView.contentAttributes.of({ 'aria-label': props.label, 'data-testid': 'jsonata-editor' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, [props.readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (editor === undefined) return;
    editor.dispatch(setDiagnostics(editor.state, props.error ? diagnostic(editor.state, props.error) : []));
  }, [props.error]);

  return <div class="editor" ref={host} />;
}
