/** The renderer's entry: the app in React, Ant Design with its Chinese locale by default. */
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
// Ant Design's styles as one static sheet (zero-runtime mode, see App): generating a component's CSS
// the first time it appears cost 60–110 ms on opening the detail panel with a million-row table.
import 'antd/dist/antd.css';

// A file dropped anywhere but the import page's drop zone is ignored, never opened in the window.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (e) => e.preventDefault());

const root = document.getElementById('root');
if (root !== null) {
  // As a transition, the first render yields to the browser every few milliseconds instead of
  // holding the thread until the whole frame is built.
  startTransition(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}
