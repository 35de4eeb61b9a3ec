// Stands in for ./gobelieve.js in the bundles of builds without GoBelieve
// (scripts/build-glue.mjs), so they do not ship the class: the facade asks
// for it only when the glue has the engine's exports, which these lack.
export function defineIMService() {
  throw new Error('imsdk: this build has no IMService');
}
