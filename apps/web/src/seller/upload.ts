import type { Client } from "urql";
import { graphql } from "../gql";
import type { MediaPurpose } from "../gql/graphql";

const CreateUpload = graphql(`
  mutation CreateUpload($input: CreateUploadInput!) {
    createUpload(input: $input) {
      uploadUrl
      uploadHeaders {
        name
        value
      }
      media {
        id
      }
    }
  }
`);

const CompleteUpload = graphql(`
  mutation CompleteUpload($id: ID!) {
    completeUpload(id: $id) {
      id
      status
    }
  }
`);

const MediaState = graphql(`
  query MediaState($id: ID!) {
    media(id: $id) {
      id
      status
      failureReason
      url(size: THUMBNAIL_LARGE)
    }
  }
`);

/** A picture uploaded and processed: its id for the storefront or product, and a preview URL. */
export interface Uploaded {
  id: string;
  url: string | null;
}

/**
 * Uploads a file the way the media API asks: record the upload, PUT the bytes to the signed URL
 * with the headers it names, complete it, then wait until the renditions are ready. Throws an
 * Error whose message says what went wrong (the API's, or the storage's status).
 */
export async function uploadPicture(client: Client, file: File, purpose: MediaPurpose): Promise<Uploaded> {
  const created = await client
    .mutation(CreateUpload, { input: { purpose, contentType: file.type, byteSize: file.size } })
    .toPromise();
  const upload = created.data?.createUpload;
  if (!upload)
    throw new Error(created.error?.graphQLErrors[0]?.message ?? created.error?.message ?? "upload refused");
  const headers = Object.fromEntries(upload.uploadHeaders.map((h) => [h.name, h.value]));
  const put = await fetch(upload.uploadUrl, { method: "PUT", headers, body: file });
  if (!put.ok) throw new Error(`the storage refused the file (${put.status})`);
  const completed = await client.mutation(CompleteUpload, { id: upload.media.id }).toPromise();
  if (completed.error) throw new Error(completed.error.graphQLErrors[0]?.message ?? completed.error.message);
  for (let attempt = 0; attempt < 120; attempt++) {
    const state = await client
      .query(MediaState, { id: upload.media.id }, { requestPolicy: "network-only" })
      .toPromise();
    const media = state.data?.media;
    if (media?.status === "READY") return { id: media.id, url: media.url ?? null };
    if (media?.status === "FAILED")
      throw new Error(media.failureReason ?? "the picture could not be processed");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the picture is still being processed; save again in a moment");
}
