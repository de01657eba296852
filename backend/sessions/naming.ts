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

/** No 0/O, 1/l/I: the password is sometimes read off a screen. */
export const VNC_PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** VncAuth only uses the first 8 characters of a password. */
export const VNC_PASSWORD_LENGTH = 8;
/**
 * 256 is no multiple of the alphabet's 56, so `byte % 56` would make the first 32 characters
 * likelier (5 in 256 against 4). Bytes from here up are thrown away instead.
 */
const ACCEPT_BELOW = 256 - (256 % VNC_PASSWORD_ALPHABET.length);

/** A session's VNC password, every character equally likely (rejection sampling). */
export function vncPassword(random: (size: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < VNC_PASSWORD_LENGTH) {
    // Only as many bytes as still needed: a test can then account for every byte it feeds in.
    for (const byte of random(VNC_PASSWORD_LENGTH - out.length)) {
      if (byte < ACCEPT_BELOW && out.length < VNC_PASSWORD_LENGTH)
        out += VNC_PASSWORD_ALPHABET[byte % VNC_PASSWORD_ALPHABET.length];
    }
  }
  return out;
}
