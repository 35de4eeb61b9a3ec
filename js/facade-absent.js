// Stands in for ./facade-gobelieve.js or ./facade-mobileimsdk.js in a bundle
// without that protocol (scripts/build-glue.mjs): the class is undefined there.
export function createGobelieveFacade() {
  return undefined;
}

export function createMobileimsdkFacade() {
  return undefined;
}

export const FACADE_PROPERTIES = { IMService: [] };
