import { JsonStore } from '../../src/main/store/json-store'
import { tempDir } from '../helpers/tmp'
import { describeStoreConformance } from './conformance'
import { join } from 'node:path'

// The store interface's behaviour on the JSON file (test/store/postgres.test.ts runs the same on PostgreSQL).
const root = tempDir('flowkeys-json-store-')
let count = 0
describeStoreConformance('json', async () => JsonStore.open(join(root, `store${count++}`)))
