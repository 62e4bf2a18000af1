// Authenticates a request with SigV4 (header, presigned query, streaming payloads) against the
// store's access keys, and wraps the body into the decoded, verified Payload ops read.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "s3/request.h"
#include "s3/service.h"

namespace stocktake::s3 {

struct Authenticated {
  store::Account account;
  std::string access_key_id;
  std::unique_ptr<Payload> payload;
};

std::variant<Authenticated, S3Error> Authenticate(
    const ServiceContext& context, const http::HttpRequestHead& head, const std::string& raw_path,
    const std::string& raw_query, http::HttpBody& body, http::HttpResponder& responder);

}  // namespace stocktake::s3
