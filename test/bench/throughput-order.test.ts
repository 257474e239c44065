import { describe, expect, it } from 'vitest'
import { roundOrder } from '../../bench/throughput'

describe('bench: the throughput rounds', () => {
  const rounds = Array.from({ length: 8 }, (_, round) => roundOrder(round))

  it('runs every server once per round', () => {
    for (const order of rounds) {
      expect([...order].sort()).toEqual(['bare', 'fastify', 'flowkeys'])
    }
  })

  it('runs FlowKeys and bare node:http one right after the other, each first in half of the rounds', () => {
    for (const order of rounds) expect(Math.abs(order.indexOf('flowkeys') - order.indexOf('bare'))).toBe(1)
    const flowkeysFirst = rounds.filter((order) => order.indexOf('flowkeys') < order.indexOf('bare'))
    expect(flowkeysFirst).toHaveLength(rounds.length / 2)
  })

  it('lets every server start a round within four rounds', () => {
    for (let start = 0; start < rounds.length; start += 4) {
      const firsts = rounds.slice(start, start + 4).map((order) => order[0])
      expect(new Set(firsts)).toEqual(new Set(['bare', 'fastify', 'flowkeys']))
    }
  })
})
