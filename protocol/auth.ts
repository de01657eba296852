import { z } from 'zod';
import { Username } from './names';

export const Role = z.enum(['admin', 'user']);
export type Role = z.infer<typeof Role>;

export const UserDto = z.object({
  id: z.string(),
  username: Username,
  role: Role,
  createdAt: z.string(),
  /** Disabled by an admin: cannot sign in. Absent from older servers, which cannot disable. */
  disabled: z.boolean().optional(),
});
export type UserDto = z.infer<typeof UserDto>;

export const LoginRequest = z.strictObject({
  // Control characters never belong in a name, and PostgreSQL refuses NUL in text outright.
  username: z
    .string()
    .min(1)
    .max(64)
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
      message: 'must not contain control characters',
    }),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** When the access token expires (ISO 8601). */
  expiresAt: z.string(),
  user: UserDto,
});
export type TokenPair = z.infer<typeof TokenPair>;

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const CreateUserRequest = z.strictObject({
  username: Username,
  password: z.string().min(8).max(1024),
  role: Role.default('user'),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z.strictObject({
  password: z.string().min(8).max(1024).optional(),
  role: Role.optional(),
  /** Disabling ends every sign-in of the user at once; enabling lets them sign in again. */
  disabled: z.boolean().optional(),
});
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserList = z.object({ users: z.array(UserDto) });
