/**
 * The uploaded bytes cannot become media: not a type we accept, damaged, or too large. The message
 * is written for the person who uploaded the file; the media fails for good with it (no retry).
 */
export class MediaRejected extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MediaRejected";
  }
}
