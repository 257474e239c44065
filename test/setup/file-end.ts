// vitest's setupFiles run before each test file, in its context: this registers, in every file, the one hook that
// removes what the helpers made for it (test/helpers/file-end.ts: temp folders, build output). Registered before
// the file's body: afterAll hooks run last-registered first, so this one runs after the file's last test and the
// hooks its body registers. One hook for the whole file, not one afterAll per tempDir() call: vitest silently drops
// an afterAll made inside a test or a beforeAll, which is how folders were left in the temp directory.
import { afterAll } from 'vitest'
import { endFile } from '../helpers/file-end'

afterAll(endFile)
