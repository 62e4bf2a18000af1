// Account-level Stocktake extensions.
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {

OpResult WhoAmI(OpContext& ctx) {
  XmlWriter xml("WhoAmIResult");
  xml.Element("AccountId", ctx.request.caller.account_id)
      .Element("CanonicalUserId", ctx.request.caller.canonical_id)
      .Element("DisplayName", ctx.request.caller.name)
      .Element("AccessKeyId", ctx.request.access_key_id)
      .Element("Arn", "arn:aws:iam::" + ctx.request.caller.account_id + ":root");
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
