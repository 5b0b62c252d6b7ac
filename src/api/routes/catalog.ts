import { Router } from 'express';
import type { Inventory } from '../../inventory/inventory.js';
import { clusterCreate, clusterPatch, imageCreate, parse, profileCreate, profilePatch } from '../body.js';

/** Clusters, profiles and images: the things nodes refer to by name. */
export function catalogRoutes(inventory: Inventory): Router {
  const r = Router();
  const { clusters, profiles, images } = inventory;

  r.get('/clusters', (_req, res) => void res.json(clusters.list()));
  r.post('/clusters', (req, res) => {
    const c = clusters.add(parse(clusterCreate, req.body));
    res.status(201).location(`/api/v1/clusters/${c.name}`).json(c);
  });
  r.get('/clusters/:name', (req, res) => void res.json(clusters.get(req.params.name)));
  r.patch('/clusters/:name', (req, res) => void res.json(clusters.update(req.params.name, parse(clusterPatch, req.body))));
  r.delete('/clusters/:name', (req, res) => void res.json(clusters.remove(req.params.name)));
  r.get('/clusters/:name/kerrighed_nodes', (req, res) => {
    res.type('text/plain').send(inventory.export('kerrighed', { cluster: clusters.get(req.params.name).name }));
  });

  r.get('/profiles', (_req, res) => void res.json(profiles.list()));
  r.post('/profiles', (req, res) => {
    const p = profiles.add(parse(profileCreate, req.body));
    res.status(201).location(`/api/v1/profiles/${p.name}`).json(p);
  });
  r.get('/profiles/:name', (req, res) => void res.json(profiles.get(req.params.name)));
  r.patch('/profiles/:name', (req, res) => void res.json(profiles.update(req.params.name, parse(profilePatch, req.body))));
  r.delete('/profiles/:name', (req, res) => void res.json(profiles.remove(req.params.name)));

  r.get('/images', (_req, res) => void res.json(images.list()));
  r.post('/images', async (req, res) => {
    const b = parse(imageCreate, req.body);
    const img = await images.add(b.name, b.file, b.kind, { confine: true });
    res.status(201).location(`/api/v1/images/${img.name}`).json(img);
  });
  r.get('/images/:name', (req, res) => void res.json(images.get(req.params.name)));
  r.delete('/images/:name', (req, res) => void res.json(images.remove(req.params.name)));
  return r;
}
