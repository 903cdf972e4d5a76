/** A Teams deep link that opens a 1:1 chat with the person (by email / UPN). */
export const chatLink = (email: string) =>
  `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(email)}`;
