// First: before any module parses with zod.
import './lib/no-eval'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import './styles.css'

const container = document.getElementById('root')
if (!container) throw new Error('FlowKeys: #root element is missing from index.html')

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>
)
