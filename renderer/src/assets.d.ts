// Vite bundles a stylesheet imported for its side effect; the compiler only needs to know it exists.
declare module '*.css';
