import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import prettier from 'eslint-config-prettier'

// Only the Electron shell may touch `electron`; raw ipcMain/ipcRenderer are reserved for the two files
// that build the typed bridge from src/shared/ipc.ts.
const electronShell = ['src/main/index.ts', 'src/main/shell/**/*.ts', 'src/preload/**/*.ts']
const ipcBridge = ['src/main/shell/ipc-register.ts', 'src/preload/index.ts']
const noElectron = { name: 'electron', message: 'Only the Electron shell imports electron.' }

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'docs', 'test/fixtures'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }]
    }
  },
  {
    // The renderer's end-to-end suite runs in Playwright's runner, where vitest cannot load: the helpers it shares
    // with vitest's suites import no runner (test/helpers/file-end.ts).
    files: ['test/renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            { name: 'vitest', message: 'test/renderer runs in Playwright: use ./app-fixtures.' }
          ]
        }
      ]
    }
  },
  {
    files: electronShell,
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[object.name=/^ipc(Main|Renderer)$/]',
          message: 'Use the typed IPC bridge (src/shared/ipc.ts), not raw ipcMain/ipcRenderer.'
        }
      ]
    }
  },
  { files: ipcBridge, rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } }
  },
  prettier
)
