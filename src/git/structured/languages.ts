import type { Node } from 'web-tree-sitter';
import { declaredName, type Grammar } from './syntax-merge.js';

/**
 * The languages the structured merge knows, by file name. For each: the tree-sitter grammar (the
 * `.wasm` its npm package ships) and which nodes are lists of siblings. Siblings "commute" only
 * where order carries no meaning a merge could break: declarations, members, keys, list entries.
 * Statement lists (function bodies) take disjoint edits but never two insertions at one place.
 */
export interface LanguageSpec {
  name: string;
  /** Package and file of the grammar, resolved from node_modules. */
  wasm: { pkg: string; file: string };
  grammar: Grammar;
}

const all = (): boolean => true;
const ofTypes =
  (...types: string[]) =>
  (child: Node): boolean =>
    types.includes(child.type);
const editsOnly = { commutes: (): boolean => false };

function lists(rules: Record<string, (child: Node) => boolean>, byParent: ListByParent = {}) {
  return (node: Node): { commutes(child: Node): boolean } | null => {
    const parentRule = byParent[node.type];
    if (parentRule) return parentRule(node.parent?.type ?? '');
    const commutes = rules[node.type];
    return commutes ? { commutes } : null;
  };
}
type ListByParent = Record<string, (parentType: string) => { commutes(child: Node): boolean } | null>;

/** `get x` and `set x` are two members: a key is the text up to the declared name, spaces folded. */
function headerKey(node: Node, name: Node | null): string | null {
  if (!name) return null;
  const text = node.text.slice(0, name.endIndex - node.startIndex);
  return text.replace(/\s+/g, ' ');
}

function nameNode(node: Node): Node | null {
  const name = node.childForFieldName('name');
  if (name) return name;
  for (const field of ['declaration', 'definition']) {
    const inner = node.childForFieldName(field);
    if (inner) return nameNode(inner);
  }
  return null;
}

const unquote = (text: string): string => text.replace(/^(['"`])(.*)\1$/s, '$2');

function jsKey(node: Node): string | null {
  switch (node.type) {
    case 'pair': {
      const key = node.childForFieldName('key');
      return key ? `key ${unquote(key.text)}` : null;
    }
    case 'shorthand_property_identifier':
      return `key ${node.text}`;
    case 'import_statement': {
      // One import per module is the norm; `import type` from the same module is a second one.
      const source = node.childForFieldName('source');
      const typeOnly = /^import\s+type\b/.test(node.text) ? 'type ' : '';
      return source ? `import ${typeOnly}${unquote(source.text)}` : null;
    }
    case 'lexical_declaration':
    case 'variable_declaration': {
      const names = node.namedChildren
        .filter((child) => child?.type === 'variable_declarator')
        .map((child) => child?.childForFieldName('name')?.text ?? '');
      return names.length > 0 ? `var ${names.join(',')}` : null;
    }
    case 'export_statement': {
      const inner = node.childForFieldName('declaration');
      const key = inner ? jsKey(inner) : null;
      return key === null ? null : `export ${key}`;
    }
    default:
      return headerKey(node, nameNode(node));
  }
}

const jsTopLevel = ofTypes(
  'import_statement',
  'function_declaration',
  'generator_function_declaration',
  'class_declaration',
  'abstract_class_declaration',
  'lexical_declaration',
  'variable_declaration',
  'interface_declaration',
  'type_alias_declaration',
  'enum_declaration',
  'comment',
);
const jsProgram = (child: Node): boolean =>
  jsTopLevel(child) || (child.type === 'export_statement' && !/^export\s+default\b/.test(child.text));

const jsGrammar: Grammar = {
  list: lists({
    program: jsProgram,
    class_body: (child) => child.type !== 'class_static_block',
    object: ofTypes('pair', 'method_definition', 'shorthand_property_identifier', 'comment'),
    object_type: all,
    interface_body: all,
    enum_body: all,
    array: all,
    named_imports: all,
    export_clause: all,
    statement_block: () => false,
    switch_body: () => false,
  }),
  key: jsKey,
};

const jsonGrammar: Grammar = {
  list: lists({ object: all, array: all }),
  key: (node) => {
    if (node.type !== 'pair') return null;
    const key = node.childForFieldName('key');
    return key ? `key ${unquote(key.text)}` : null;
  },
};

const pyGrammar: Grammar = {
  list: lists(
    {
      module: ofTypes(
        'function_definition',
        'class_definition',
        'decorated_definition',
        'import_statement',
        'import_from_statement',
        'comment',
      ),
      dictionary: ofTypes('pair', 'comment'),
      list: all,
      set: all,
    },
    {
      block: (parent) =>
        parent === 'class_definition'
          ? { commutes: ofTypes('function_definition', 'decorated_definition', 'comment') }
          : editsOnly,
    },
  ),
  key: (node) => {
    if (node.type === 'pair') {
      const key = node.childForFieldName('key');
      return key ? `key ${unquote(key.text)}` : null;
    }
    const assigned = node.type === 'expression_statement' ? node.namedChild(0) : null;
    if (assigned?.type === 'assignment') return `assign ${assigned.childForFieldName('left')?.text ?? ''}`;
    const definition = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
    if (!definition) return null;
    return headerKey(definition, definition.childForFieldName('name'));
  },
};

function goKey(node: Node): string | null {
  switch (node.type) {
    case 'keyed_element':
      return node.namedChild(0) ? `key ${node.namedChild(0)?.text ?? ''}` : null;
    case 'import_spec':
      return `import ${node.childForFieldName('path')?.text ?? node.text}`;
    case 'type_declaration': {
      const spec = node.namedChildren.find(
        (child) => child?.type === 'type_spec' || child?.type === 'type_alias',
      );
      return spec ? `type ${spec.childForFieldName('name')?.text ?? ''}` : null;
    }
    case 'method_declaration':
      return headerKey(node, node.childForFieldName('name'));
    case 'var_declaration':
    case 'const_declaration': {
      const names = node.namedChildren.map((spec) => spec?.childForFieldName('name')?.text ?? '');
      return names.length > 0 ? `${node.type} ${names.join(',')}` : null;
    }
    default:
      return declaredName(node);
  }
}

const goGrammar: Grammar = {
  list: lists({
    source_file: ofTypes(
      'function_declaration',
      'method_declaration',
      'type_declaration',
      'import_declaration',
      'var_declaration',
      'comment',
    ),
    import_spec_list: all,
    field_declaration_list: all,
    literal_value: ofTypes('keyed_element', 'literal_element', 'comment'),
    statement_list: () => false,
  }),
  key: goKey,
};

const spec = (name: string, pkg: string, grammar: Grammar): LanguageSpec => ({
  name,
  wasm: { pkg, file: `tree-sitter-${name}.wasm` },
  grammar,
});
const javascript = spec('javascript', 'tree-sitter-javascript', jsGrammar);
const typescript = spec('typescript', 'tree-sitter-typescript', jsGrammar);
const tsx = spec('tsx', 'tree-sitter-typescript', jsGrammar);
const json = spec('json', 'tree-sitter-json', jsonGrammar);
const python = spec('python', 'tree-sitter-python', pyGrammar);
const go = spec('go', 'tree-sitter-go', goGrammar);

const byExtension: Record<string, LanguageSpec> = {
  js: javascript,
  mjs: javascript,
  cjs: javascript,
  jsx: javascript,
  ts: typescript,
  mts: typescript,
  cts: typescript,
  tsx,
  json,
  py: python,
  go,
};

/** The language of a path by its extension, or undefined when the structured merge does not know it. */
export function languageFor(path: string): LanguageSpec | undefined {
  const match = /\.([a-z]+)$/i.exec(path);
  return match?.[1] ? byExtension[match[1].toLowerCase()] : undefined;
}
