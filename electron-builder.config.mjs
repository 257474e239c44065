// Packaging (`npm run package`): electron-builder turns out/ (scripts/build.sh) into Linux installers, and flips
// Electron's fuses in the packaged binary as Electron's security checklist asks. It needs the Electron binary,
// which this project's CI machines cannot download; test/security/electron-fuses.test.ts checks this file.

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.flowkeys.desktop',
  productName: 'FlowKeys',
  directories: { output: 'dist', buildResources: 'resources' },
  // The built app only; electron-builder adds package.json "dependencies" from node_modules itself.
  files: ['out/**', 'package.json'],
  asar: true,
  // keytar is a native addon: a .node file cannot be loaded from inside app.asar.
  asarUnpack: ['node_modules/keytar/**'],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    icon: 'resources/icon.png',
    executableName: 'flowkeys',
    maintainer: 'FlowKeys',
    synopsis: 'A desktop secret manager for Langflow'
  },
  electronFuses: {
    // No `ELECTRON_RUN_AS_NODE=1 FlowKeys script.js`: the binary runs FlowKeys, never arbitrary Node code.
    runAsNode: false,
    // NODE_OPTIONS / NODE_EXTRA_CA_CERTS and --inspect cannot inject code or attach a debugger to the main process.
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Cookies on disk are encrypted with the OS keychain, as Chrome does.
    enableCookieEncryption: true,
    // Only the (integrity-checked, where the platform supports it) app.asar is loaded, never a loose app/ folder.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is served over app:// (src/main/shell/app-protocol.ts): file:// needs no extra privileges.
    grantFileProtocolExtraPrivileges: false
  }
}

export default config
