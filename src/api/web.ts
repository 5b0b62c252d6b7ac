import { Router } from 'express';
import type { AppDeps } from './app.js';

export function webRoutes(deps: AppDeps & { clock: () => number }): Router {
  void deps;
  return Router();
}
