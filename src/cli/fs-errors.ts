/** What a file-system error code means, for the CLI's messages (shared by cli/main.ts and cli/files.ts). */
export const FS_WHAT: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
};

/** "ENOENT: no such file or directory" for an fs error, "unreadable" when it carries no code. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === undefined ? "unreadable" : `${code}${FS_WHAT[code] ? `: ${FS_WHAT[code]}` : ""}`;
}
