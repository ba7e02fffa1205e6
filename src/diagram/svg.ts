/**
 * Renders DOT to SVG offline, with Graphviz compiled to WebAssembly (`@viz-js/viz`, an optional
 * peer dependency: only `diagram --format svg` needs it, so it is loaded on first use).
 */
export const dotToSvg = async (dot: string): Promise<string> => {
  const viz = await import('@viz-js/viz');
  const instance = await viz.instance();
  return instance.renderString(dot, { format: 'svg', engine: 'dot' });
};
