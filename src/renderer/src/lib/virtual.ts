import type { RefObject } from 'react'
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'

/** Rows drawn beyond each edge of the view, so a fast scroll rarely shows a gap. */
const OVERSCAN = 10

/**
 * The virtualised rows of a long table (API keys, global variables): only the rows in view, plus a few, are in
 * the DOM, so 10,000 entries scroll as smoothly as 10. `scrollRef` is the element that scrolls; rows are
 * `rowHeight` pixels high.
 */
export function useVirtualRows<E extends HTMLElement>(
  count: number,
  scrollRef: RefObject<E | null>,
  rowHeight: number
): Virtualizer<E, Element> {
  // eslint-disable-next-line react-hooks/incompatible-library
  return useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN
  })
}
