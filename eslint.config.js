// Lint enforces the architecture's boundaries (../shared/docs/architecture.md): the engine
// (main/) never imports electron, so the CLI, tests and app run the same code; the renderer talks
// to the engine only through window.airlock and may import nothing from main/ but types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test/.tmp/**', 'test/e2e/artifacts/**', 'scratch/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['main/**/*.ts', 'bin/**/*.js'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine (main/) never imports electron: the CLI and the tests run it without Electron.' }], patterns: [{ group: ['electron/*', '**/electron/**', '**/renderer/**'], message: 'The engine does not depend on the shell or the UI.' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/api/*', '**/main/api/**'], allowTypeImports: true, message: 'The renderer imports only types from the API contract.' },
          { group: ['**/main/*', '**/main/**', '!**/main/api/**'], message: 'The renderer never imports the engine: it talks to it through window.airlock.' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'electron'], message: 'The renderer never touches Node or Electron.' },
        ],
      }],
    },
  },
);
