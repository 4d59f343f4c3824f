import { Type } from 'typebox';
import { anonymousRateLimit } from '../auth/auth.routes.ts';
import type { App, AppDeps } from './types.ts';

export const WebConfig = Type.Object({
  mapTileUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'Leaflet tile URL template (MAP_TILE_URL); null: maps are drawn on a plain background (offline installs)',
  }),
});

/**
 * The few settings the web application needs at run time (not at build time, so one build
 * serves every install). Public: it holds no secret, and the public map needs it before sign-in.
 */
export async function registerWebConfigRoutes(app: App, deps: AppDeps): Promise<void> {
  app.get(
    '/web-config',
    {
      config: anonymousRateLimit(deps),
      schema: { tags: ['operations'], summary: 'Run-time settings of the web application (map tile source)', response: { 200: WebConfig } },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return { mapTileUrl: deps.config.mapTileUrl || null };
    },
  );
}
