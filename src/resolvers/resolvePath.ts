import type { GraphQLResolveInfo } from 'graphql';

/** The response path of the field being resolved, as errors carry it (`['restoreSessions']`). */
export function pathOf(info: GraphQLResolveInfo): Array<string | number> {
  const path: Array<string | number> = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  return path;
}
