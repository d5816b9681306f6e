-- Run by NeovimClientTest: Neovim as the language client of nnc lsp, through the lines of
-- editors/nvim/nnc.lua. Opens a file with a typo, waits for the diagnostic, fixes the typo in
-- the buffer, waits for the diagnostics to clear, asks for the hover of a layer, and writes what
-- it saw as JSON.
local out = {}
local function finish()
  vim.fn.writefile({ vim.json.encode(out) }, os.getenv('NNC_NVIM_OUT'))
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local plugin = dofile(os.getenv('NNC_NVIM_PLUGIN'))
  plugin.setup({ cmd = vim.json.decode(os.getenv('NNC_LSP_CMD')) })
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('NNC_NVIM_FILE')))
  out.filetype = vim.bo.filetype

  vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(out.diagnostics, { line = d.lnum + 1, col = d.col + 1, code = code,
      message = d.message })
  end

  local typo = out.diagnostics[1]
  if typo then
    local line = vim.api.nvim_buf_get_lines(0, typo.line - 1, typo.line, true)[1]
    vim.api.nvim_buf_set_lines(0, typo.line - 1, typo.line, true,
      { (line:gsub('desne', 'dense')) })
  end
  out.cleared = vim.wait(60000, function() return #vim.diagnostic.get(0) == 0 end, 50)

  local row = tonumber(os.getenv('NNC_NVIM_HOVER_LINE'))
  local col = tonumber(os.getenv('NNC_NVIM_HOVER_COL'))
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = row - 1, character = col - 1 } }
  local replies = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 30000)
  for _, r in pairs(replies or {}) do
    if r.result and r.result.contents then out.hover = r.result.contents.value end
    if r.err then out.hover_error = r.err.message end
  end
end)
if not ok then out.error = tostring(err) end
finish()
