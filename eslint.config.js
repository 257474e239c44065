import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import prettier from 'eslint-config-prettier'

// Only the Electron shell may touch `electron`; raw ipcMain/ipcRenderer are reserved for the two files
// that build the typed bridge from src/shared/ipc.ts.
const electronShell = ['src/main/index.ts', 'src/main/shell/**/*.ts', 'src/preload/**/*.ts']
const ipcBridge = ['src/main/shell/ipc-register.ts', 'src/preload/index.ts']
const noElectron = { name: 'electron', message: 'Only the Electron shell imports electron.' }

// The renderer's zustand stores (every `create()` in src/renderer/src). A component reads one through a selector
// (one field, or several with useShallow) and its actions with getState(): without a selector, or with one that
// returns the whole state or a new object, every change of the store re-renders it (a toast, the whole app).
const storeHooks = [
  'useUi',
  'useKeys',
  'useVariables',
  'useEnvImport',
  'useServer',
  'useUsers',
  'useVault',
  'useOpenDialogs',
  'useClipboardDelay'
]
const storeHook = `/^(${storeHooks.join('|')})$/`
const rendererStoreRules = [
  {
    selector: `CallExpression[callee.name=${storeHook}][arguments.length=0]`,
    message:
      'Give the store hook a selector (s) => s.field, or useShallow for several fields: without one, every change of the store re-renders this component. Actions: useStore.getState().action().'
  },
  {
    selector: `CallExpression[callee.name=${storeHook}] > ArrowFunctionExpression[body.type='Identifier']`,
    message: 'This selector returns the whole state: select the fields this component shows.'
  },
  {
    selector: `CallExpression[callee.name=${storeHook}] > ArrowFunctionExpression[body.type=/^(ObjectExpression|ArrayExpression)$/]`,
    message:
      'This selector builds a new object on every call, so the component re-renders on any change of the store: wrap it in useShallow (zustand/react/shallow).'
  },
  {
    selector: `VariableDeclarator[id.name!=${storeHook}][init.callee.callee.name='create']`,
    message:
      'A new zustand store: add its hook to storeHooks in eslint.config.js, so its readers are checked too.'
  }
]

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
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-syntax': ['error', ...rendererStoreRules]
    }
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } }
  },
  prettier
)
