import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { projectRoot } from '../paths';

/**
 * The web console at `/`: the single-page app Vite builds into web/dist (`npm run build:web`). Its hashed assets
 * are cached for good; every page path a browser navigates to gets index.html (the app routes itself). Programs
 * asking `/` for JSON, and everyone when the console is not built, get `fallback` (the pointer to the API reference).
 */

export const CONSOLE_DIR = path.join(projectRoot(), 'web', 'dist');

/** Paths the hub answers itself: never the console's, even from a browser. */
const HUB_PATHS = /^\/(api|webhooks|healthz|readyz|metrics)(\/|$)/;

/** A browser navigating (it asks for HTML first), as opposed to a program or a script fetching a missing file. */
function isNavigation(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}

export function webConsole(fallback: RequestHandler, dir: string = CONSOLE_DIR): RequestHandler {
  const index = path.join(dir, 'index.html');
  const router = Router();
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next('router');
    if (HUB_PATHS.test(req.path)) return next('router');
    // the fallback answers or lets the request go on past the console (to the 404 problem)
    const past = (error?: unknown) => (error === undefined ? next('router') : next(error));
    if (!fs.existsSync(index)) return fallback(req, res, past);
    if (req.path === '/' && req.accepts(['html', 'json']) === 'json') return fallback(req, res, past);
    next();
  });
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.use((req, res, next) => {
    if (req.path !== '/' && !isNavigation(req.headers.accept)) return next('router');
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
