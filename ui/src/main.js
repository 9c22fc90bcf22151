import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

// Candidate interview links (/i/<token>) get their own small app, loaded on demand: it never
// calls the console's /api/setup or /api/me.
export default window.location.pathname.startsWith('/i/')
  ? import('./candidate/CandidateApp.svelte').then(({ default: CandidateApp }) => mount(CandidateApp, { target }))
  : mount(App, { target });
