import { graphql } from "../gql";

/** The caller's storefront as the dashboard's pages need it. */
export const MyStorefront = graphql(`
  query MyStorefront {
    myStorefront {
      id
      name
      slug
      description
      status
      statusReason
      followerCount
      contact {
        email
        phone
        website
      }
      address {
        line1
        line2
        city
        region
        postalCode
        countryCode
      }
      location {
        lat
        lng
      }
      logoMediaId
      bannerMediaId
      logo {
        url(size: THUMBNAIL_LARGE)
      }
      banner {
        url(size: MAIN_MOBILE)
      }
    }
  }
`);
