import { useEffect, useState } from 'react'

/** The time, again every minute: a component that shows "3 minutes ago" or an expiry stays true. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000)
    return () => clearInterval(timer)
  }, [])
  return now
}
