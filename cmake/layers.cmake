# imapcheck: the floors of the code, from the ground up (docs/design.md, "Layers"). Each folder
# of src/ (and checks/) is one floor and one static library; a file may include the shared
# vocabulary and headers of its own floor or one below, never above. check_layers.cmake
# enforces it on every build; tests/layering proves that an upward include fails.
set(IMAPCHECK_FLOORS base imap config diagnosis report transport checks probe front)
# A floor's number: its position above. diagnosis and report are peers in spirit (pure
# functions of facts), but the transport still asks diagnosis to word the connect failures
# it classifies, so diagnosis stands below the transport.
# Headers of include/imapcheck/ that are vocabulary: types every floor shares, including only
# each other (and the standard library or nlohmann/json).
set(IMAPCHECK_VOCABULARY expected deadline secret environment range credentials config report
  diagnosis transcript connection transport check_ids version options imap/response
  mailbox_list baseline_file)
# Every other header of include/imapcheck/ and the floor it belongs to.
set(IMAPCHECK_HEADER_FLOORS
  base64=base timestamp=base output=base mail_header=base words=base
  imap/command=imap imap/mutf7=imap imap/reader=imap session=imap
  fleet_config=config terminal_password=config selection=config
  render=report
  check=checks
  probe=probe runner=probe fleet=probe baseline=probe trace_frame=probe
  cli=front exporter=front)
