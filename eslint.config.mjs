import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers, and what each may import. One shared model (protocol) at the bottom; buquet's S3
 * layout beside it; the agent over both; clients (cli, extension) over protocol, the client
 * library and the text both print (format); tests, benchmarks and the sandbox reach everything.
 */
const LAYERS = {
  protocol: [],
  buquet: ['protocol'],
  worker: ['buquet', 'protocol'],
  client: ['protocol'],
  format: ['protocol'],
  agent: ['buquet', 'protocol'],
  cli: ['agent', 'client', 'format', 'protocol'],
  extension: ['client', 'format', 'protocol'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.sandbox/**', 'test-artifacts/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      // Full paths from the project root: extension/agent/ is the extension's, not the agent.
      'boundaries/elements': Object.keys(LAYERS).map((layer) => ({ type: layer, pattern: layer, partialMatch: false })),
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(LAYERS).map(([layer, allowed]) => ({
            from: { element: { type: layer } },
            allow: { to: { element: { types: { anyOf: [layer, ...allowed] } } } },
          })),
        },
      ],
    },
  },
);
