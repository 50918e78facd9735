/** The UI's DOM helpers: escaping for the HTML it writes, and element lookup. */

/** Escape text for HTML content and attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
