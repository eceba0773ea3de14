// The explorer's SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes,
// completion of the prefixed names the server lists at /api/schema (our classes and predicates,
// from ontology/cgt.ttl), of the predefined prefixes and of SPARQL keywords.
// Built into one file by build.mjs; query.js (not bundled) wires it into the page.
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { autocompletion, completeFromList } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH", "VALUES", "BIND", "AS",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "MINUS",
  "NOT EXISTS", "EXISTS", "COUNT", "SUM", "SAMPLE", "GROUP_CONCAT", "STR", "LCASE", "YEAR", "CONTAINS", "REGEX", "DESC", "ASC"];

function termOptions(schema) {
  const options = [];
  for (const term of schema.classes) options.push({ label: term.name, type: "class", detail: "class", info: term.comment || undefined, boost: 1 });
  for (const term of schema.predicates) options.push({ label: term.name, type: "property", detail: term.kind, info: term.comment || undefined, boost: 2 });
  return options;
}

function sparqlCompletions(schema) {
  const terms = termOptions(schema);
  const prefixes = Object.keys(schema.prefixes).map((name) => ({ label: name + ":", type: "namespace", detail: schema.prefixes[name] }));
  const words = completeFromList(KEYWORDS.map((word) => ({ label: word, type: "keyword" })));
  return (context) => {
    const prefixed = context.matchBefore(/[A-Za-z][\w-]*:[\w-]*/);
    if (prefixed) {
      const prefix = prefixed.text.slice(0, prefixed.text.indexOf(":") + 1);
      const local = prefixed.text.slice(prefix.length).toLowerCase();
      const options = terms.filter((o) => o.label.startsWith(prefix) && o.label.slice(prefix.length).toLowerCase().startsWith(local));
      return { from: prefixed.from, options, validFor: /^[A-Za-z][\w-]*:[\w-]*$/ };
    }
    const word = context.matchBefore(/[A-Za-z_]\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const keywordResult = words(context);
    return { from: word.from, options: [...prefixes, ...(keywordResult ? keywordResult.options : [])], validFor: /^\w*$/ };
  };
}

// An editor in place of a textarea: the textarea stays in the form, hidden, and holds the text on submit.
export function createSparqlEditor(textarea, schema, { onRun } = {}) {
  const run = () => { if (onRun) onRun(); return true; };
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [sparqlCompletions(schema)], activateOnTyping: true }),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run }])),
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => { if (update.docChanged) textarea.value = update.state.doc.toString(); }),
      ],
    }),
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  view.setText = (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  return view;
}

window.KgSparqlEditor = { createSparqlEditor };
