import { Command, type AddHelpTextContext, type AddHelpTextPosition } from 'commander'

/** Help lines wrap here, as commander wraps the options (its default width without a terminal). */
export const HELP_WIDTH = 80

/**
 * A help epilog re-flowed to `width`: runs of prose lines become paragraphs, a `- ` line starts an item with a
 * hanging indent; indented lines (examples, tables) and blank lines stay as written. The sources can then keep
 * their text at the code's line length.
 */
export function wrapHelpText(text: string, width = HELP_WIDTH): string {
  const out: string[] = []
  let paragraph: string[] = []
  let hanging = ''
  const flush = (): void => {
    if (paragraph.length > 0) out.push(...fill(paragraph.join(' '), width, hanging))
    paragraph = []
    hanging = ''
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s/.test(line)) {
      flush()
      out.push(line)
    } else {
      if (line.startsWith('- ')) {
        flush()
        hanging = '  '
      }
      paragraph.push(line.trim())
    }
  }
  flush()
  return out.join('\n')
}

function fill(text: string, width: number, hanging: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/ +/)) {
    const next = line === '' ? word : `${line} ${word}`
    if ([...next].length > width && line !== '') {
      lines.push(line)
      line = hanging + word
    } else line = next
  }
  if (line !== '') lines.push(line)
  return lines
}

/** commander's Command with every epilog (`addHelpText`) re-flowed to the options' width. */
export class FlowKeysCommand extends Command {
  override createCommand(name?: string): FlowKeysCommand {
    return new FlowKeysCommand(name)
  }

  override addHelpText(
    position: AddHelpTextPosition,
    text: string | ((context: AddHelpTextContext) => string)
  ): this {
    return typeof text === 'string'
      ? super.addHelpText(position, wrapHelpText(text))
      : super.addHelpText(position, text)
  }
}
