import { randomBytes } from 'node:crypto';

const MAX = 63;

function clean(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * `<user>-<template>-<8 hex>`, shortened to stay a valid Kubernetes name (DNS-1123 label, ≤ 63)
 * however long the user and template names are.
 */
export function sessionName(user: string, template: string, suffix = randomBytes(4).toString('hex')): string {
  let u = clean(user) || 'user';
  let t = clean(template) || 'app';
  const budget = MAX - suffix.length - 2;
  while (u.length + t.length > budget) {
    if (u.length >= t.length) u = u.slice(0, -1);
    else t = t.slice(0, -1);
  }
  return `${u.replace(/-$/, '')}-${t.replace(/-$/, '')}-${suffix}`;
}

/** VncAuth only uses the first 8 characters of a password. */
export function vncPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(8);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
