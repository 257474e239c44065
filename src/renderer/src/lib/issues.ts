import { describeIssues } from '@shared/ipc'

/** The first rule a request breaks, without the field's name: a dialog shows one message at a time. */
export function firstIssue(error: Parameters<typeof describeIssues>[0]): string {
  return (describeIssues(error).split('; ')[0] ?? '').replace(/^\w+: /, '')
}
