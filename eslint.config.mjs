// Lint: typescript-eslint's recommended rules, plus the house boundary — `vscode` may be imported only by
// the host layer: never under src/core, src/protocol, src/cli or webview (core runs in plain Node;
// webviews run in a browser).
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'Only src/host and src/extension.ts may import vscode (see architecture.md).' }],
  }],
  'no-restricted-syntax': ['error', {
    selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
    message: 'Only src/host and src/extension.ts may import vscode.',
  }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'examples/**/node_modules/**', 'examples/**/dist/**', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['src/core/**', 'src/protocol/**', 'src/cli/**'], rules: noVscode },
  {
    files: ['webview/**'],
    rules: {
      ...noVscode,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Webviews run in a browser: talk to the host through src/protocol.' }],
        patterns: [{ group: ['**/src/host/**', '**/src/core/**', 'node:*'], message: 'Webviews may import src/protocol only.' }],
      }],
    },
  },
);
