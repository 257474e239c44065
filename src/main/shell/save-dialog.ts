import { app, BrowserWindow, dialog, type SaveDialogOptions } from 'electron'
import { join } from 'node:path'

/** The suggested name, as in `flowkeys backup` examples: flowkeys-YYYY-MM-DD.fkbackup. */
function suggestedName(now = new Date()): string {
  return `flowkeys-${now.toISOString().slice(0, 10)}.fkbackup`
}

/**
 * Asks where to save a backup with the native save dialog, over the focused window. The dialog asks before
 * replacing a file (showOverwriteConfirmation, the default on macOS and Windows). null: the user cancelled.
 */
export async function chooseBackupPath(): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'Save a FlowKeys backup',
    defaultPath: join(app.getPath('documents'), suggestedName()),
    buttonLabel: 'Save backup',
    filters: [{ name: 'FlowKeys backup', extensions: ['fkbackup'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation']
  }
  const window = BrowserWindow.getFocusedWindow()
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
  return result.canceled || !result.filePath ? null : result.filePath
}
